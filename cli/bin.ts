import { run } from './main';

// The AWS SDK's notice that its releases after January 2027 need Node 22 is about versions this
// package does not use (its lockfile pins the SDK): it is noise on our users' terminals.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
