// Numbers as every panel shows them: losses and rates with fixed digits, but large and small values keep their
// significant digits (a loss of 0.0004 is not "0.000"), and nothing measured yet is a dash.

/** ``value`` with ``digits`` decimals, or its significant digits when it is very large or very small. */
export function formatNumber(value, digits = 3) {
  if (value === null || value === undefined) return "–";
  const size = Math.abs(value);
  return size >= 1e4 || (size > 0 && size < 10 ** -digits) ? Number(value).toPrecision(digits === 1 ? 2 : 3)
    : Number(value).toFixed(digits);
}
