// Required once by a pre-started (claim) process while it waits: the first require() of a
// file pays for lazily compiled CommonJS-loader internals, about a millisecond that would
// otherwise land on the claimed cold start when the handler module is loaded.
module.exports = true;
