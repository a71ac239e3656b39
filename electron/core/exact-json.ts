// JSON.parse rounds integers above 2^53 (a counter of 9007199254740993 would read as ...992).
// Integer literals too long to be exact are turned into strings before parsing; the payload
// parser accepts numeric strings, so the value reaches BigInt() digit for digit.
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const LONG_INTEGER = /^-?\d{16,}$/;

export function parseJsonExact(text: string): unknown {
  const guarded = text.replace(STRING_OR_NUMBER, (token) =>
    LONG_INTEGER.test(token) ? `"${token}"` : token,
  );
  return JSON.parse(guarded);
}
