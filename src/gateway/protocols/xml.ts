import { XMLBuilder } from 'fast-xml-parser';

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;' };

/**
 * Text and attribute escaping, done here rather than by the builder's entity table so CR is covered too: XML
 * parsers turn a literal CR (and CRLF) into LF, which would change message bodies (and their MD5s) and object keys,
 * so SQS and S3 send CR as a character reference, and so do we.
 */
function escapeXml(_name: string, value: unknown): string {
  return String(value).replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c]!);
}

/** The XML writer of the query and REST-XML protocols: `@_` attributes, empty elements left out. */
export const xmlBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: false,
  tagValueProcessor: escapeXml,
  attributeValueProcessor: escapeXml,
});

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
