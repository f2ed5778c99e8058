// A small Lambda handler for lambkin's walk-through (README.md, "A worked example").
// It logs what it received, so the log tail has something to show, and answers with a greeting
// built from the event, the function's environment and the invocation context. The name comes from the event
// (`{"name": "Ada"}`) or, called through a function URL or API Gateway, from the query string (`?name=Ada`).
export const handler = async (event, context) => {
  const given = event?.name ?? event?.queryStringParameters?.name;
  const name = typeof given === 'string' && given !== '' ? given : 'world';
  const greeting = process.env.GREETING ?? 'Hello';
  console.log(`Greeting ${name} from ${context.functionName}`);
  return {
    message: `${greeting}, ${name}!`,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    requestId: context.awsRequestId,
    memoryLimitInMB: Number(context.memoryLimitInMB),
    remainingTimeMs: context.getRemainingTimeInMillis(),
  };
};
