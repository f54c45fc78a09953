/**
 * Go's `time.ParseDuration`, which Querator uses (through tackle's clock package) for every
 * `request_timeout`: "300ms", "1.5h", "2h45m", "-1m", "0". A number without a unit (other than
 * "0"), spaces and unknown units are errors, exactly as in Go. Returns milliseconds.
 */
const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3, // µ (micro sign)
  '\u03bcs': 1e3, // μ (Greek mu)
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go refuses more than 1<<63 - 1 ns; as a double that is 2^63. */
const MAX_NANOS = 2 ** 63;

export class GoDurationError extends Error {
  constructor(text: string, why: string) {
    super(`time: ${why} ${JSON.stringify(text)}`);
    this.name = 'GoDurationError';
  }
}

export function parseGoDuration(text: string): number {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new GoDurationError(text, 'invalid duration');
  let total = 0;
  while (rest !== '') {
    if (!/^[0-9.]/.test(rest)) throw new GoDurationError(text, 'invalid duration');
    const whole = /^[0-9]*/.exec(rest)![0];
    rest = rest.slice(whole.length);
    let fraction = '';
    let hasFraction = false;
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      fraction = /^[0-9]*/.exec(rest)![0];
      rest = rest.slice(fraction.length);
      hasFraction = fraction.length > 0;
    }
    if (whole.length === 0 && !hasFraction) throw new GoDurationError(text, 'invalid duration');
    const unit = /^[^0-9.]*/.exec(rest)![0];
    rest = rest.slice(unit.length);
    if (unit === '') throw new GoDurationError(text, 'missing unit in duration');
    const nanos = UNIT_NANOS[unit];
    if (nanos === undefined) throw new GoDurationError(text, `unknown unit ${JSON.stringify(unit)} in duration`);
    const wholeValue = whole === '' ? 0 : Number(whole);
    if (wholeValue > MAX_NANOS) throw new GoDurationError(text, 'invalid duration');
    const value = wholeValue * nanos + (hasFraction ? Number(`0.${fraction}`) * nanos : 0);
    total += value;
    if (value > MAX_NANOS || total > MAX_NANOS) throw new GoDurationError(text, 'invalid duration');
  }
  const ms = total / 1e6;
  return negative ? -ms : ms;
}

