// Stand-in pictures for the browser-test build: an SVG gradient per image, derived from its id (served by
// the mock image server, nf-sw.ts, like the shell serves the real files).
function hash(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

export function mockImageSvg(imageId: string): string {
  const h = hash(imageId)
  const a = h % 360
  const b = (a + 40 + (h >> 9) % 120) % 360
  const cx = 20 + (h >> 3) % 60
  const cy = 20 + (h >> 5) % 60
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="512" height="512"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${a},70%,55%)"/><stop offset="1" stop-color="hsl(${b},65%,30%)"/></linearGradient></defs><rect width="100" height="100" fill="url(#g)"/><circle cx="${cx}" cy="${cy}" r="${12 + h % 14}" fill="hsla(${(a + 180) % 360},80%,85%,.55)"/><rect x="0" y="${70 + h % 15}" width="100" height="40" fill="hsla(${b},40%,15%,.45)"/></svg>`
}
