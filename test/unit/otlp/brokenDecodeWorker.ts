// The real decode worker with a bug planted in its decoding (every body throws), for the tests of what a
// body handed over in chunks becomes when the worker cannot decode it (decodeWorker.test.ts).
/* eslint-disable @typescript-eslint/no-require-imports */
const prepared = require('../../../src/core/store/protoPrepared') as { prepareTraceBytes: () => never };
prepared.prepareTraceBytes = () => {
  throw new Error('a planted bug');
};
require('../../../src/core/decodeWorkerMain');
