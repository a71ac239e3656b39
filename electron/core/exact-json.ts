// JSON.parse rounds integers above 2^53 (a counter of 9007199254740993 would read as ...992).
// When a parsed document holds such an integer, the text is parsed again with every integer
// literal of 16 digits or more turned into a string first; the payload parser accepts numeric
// strings, so the value reaches BigInt() digit for digit. Most polls have no such number and
// pay for one plain JSON.parse and a walk over the result.
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const LONG_INTEGER = /^-?\d{16,}$/;

/** Walked with a stack of its own, not recursion: 5,000 levels of nesting must not overflow. */
function hasInexactInteger(root: unknown): boolean {
  if (isInexact(root)) return true;
  if (typeof root !== 'object' || root === null) return false;
  // Only objects and arrays go on the stack; numbers are checked where they are found.
  const stack: object[] = [root];
  while (stack.length > 0) {
    const value = stack.pop() as Record<string, unknown>;
    for (const key in value) {
      const child = value[key];
      if (typeof child === 'number') {
        if (isInexact(child)) return true;
      } else if (typeof child === 'object' && child !== null) {
        stack.push(child);
      }
    }
  }
  return false;
}

function isInexact(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);
}

/**
 * Whether the text holds a run of 16 digits or more: every integer at or past 2^53
 * (9007199254740992) is written with at least 16. A run of 16 covers exactly one position in
 * every 16, so only those are looked at, and only a digit found there is followed both ways: a
 * poll's answer is read at about a sixteenth of its characters (a regular expression tried a
 * match at every digit, about 4 ms for 10,000 devices).
 */
export function hasSixteenDigits(text: string): boolean {
  const length = text.length;
  for (let probe = 15; probe < length; probe += 16) {
    if (!isDigit(text.charCodeAt(probe))) continue;
    let first = probe;
    while (first > 0 && isDigit(text.charCodeAt(first - 1))) first -= 1;
    let last = probe;
    while (last + 1 < length && isDigit(text.charCodeAt(last + 1))) last += 1;
    if (last - first + 1 >= 16) return true;
    // A run starting after this one covers one of the positions from last + 16 on.
    probe = last;
  }
  return false;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function parseJsonExact(text: string): unknown {
  // No run of 16 digits in the text: no integer JSON.parse could round, and the guarded parse
  // would change nothing, so the result needs no walk (the payload is walked once, not twice).
  if (!hasSixteenDigits(text)) return JSON.parse(text);
  const fast: unknown = JSON.parse(text);
  if (!hasInexactInteger(fast)) return fast;
  const guarded = text.replace(STRING_OR_NUMBER, (token) =>
    LONG_INTEGER.test(token) ? `"${token}"` : token,
  );
  return JSON.parse(guarded);
}
