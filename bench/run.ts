// `npm run bench`: prints measurements taken side by side in one run on the local stack.
import { startBenchStack } from './bench-stack.js';
import { admissionThroughput, decisionThroughput, firstByteOverhead, requestsPerStream } from './throttle-bench.js';

const stack = await startBenchStack();
try {
  console.log(`Benchmarks on Node ${process.version}, local stack (dynalite, local model server at full speed)`);
  await requestsPerStream(stack);
  await firstByteOverhead(stack);
  await decisionThroughput();
  await admissionThroughput(stack);
} finally {
  await stack.close();
}
