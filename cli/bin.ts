import { COMPLETE_COMMAND } from './completion';
import { run } from './main';

// The AWS SDK's notice that its releases after January 2027 need Node 22 is about versions this
// package does not use (its lockfile pins the SDK): it is noise on our users' terminals.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = process.argv.slice(2);
run(args).then((code) => {
  process.exitCode = code;
  // A completion answers within its timeout even while a backend is still being asked: the shell
  // must not wait for that request to end.
  if (args.includes(COMPLETE_COMMAND)) process.exit(code);
});
