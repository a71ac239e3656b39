// JSON.parse rounds integers above 2^53 (a counter of 9007199254740993 would read as ...992).
// When a parsed document holds such an integer, the text is parsed again with every integer
// literal of 16 digits or more turned into a string first; the payload parser accepts numeric
// strings, so the value reaches BigInt() digit for digit. Most polls have no such number and
// pay for one plain JSON.parse and a walk over the result.
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const LONG_INTEGER = /^-?\d{16,}$/;

/** Walked with a stack of its own, not recursion: 5,000 levels of nesting must not overflow. */
function hasInexactInteger(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'number') {
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) return true;
    } else if (typeof value === 'object' && value !== null) {
      for (const child of Object.values(value)) stack.push(child);
    }
  }
  return false;
}

export function parseJsonExact(text: string): unknown {
  const fast: unknown = JSON.parse(text);
  if (!hasInexactInteger(fast)) return fast;
  const guarded = text.replace(STRING_OR_NUMBER, (token) =>
    LONG_INTEGER.test(token) ? `"${token}"` : token,
  );
  return JSON.parse(guarded);
}
