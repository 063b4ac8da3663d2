import { createHash } from 'node:crypto';

/** Words that name every other type ("OpenAI API", "Gmail OAuth2"), so they make poor initials. */
const GENERIC_WORDS = /^(api|auth|oauth2?|credentials?)$/i;

/**
 * A square SVG badge for a credential type without an icon of its own: the label's initials on a
 * colour derived from the type's name, so a type keeps its colour from one start to the next.
 */
export function generatedIconSvg(type: { name: string; label: string }): string {
  const hue = createHash('sha256').update(type.name).digest().readUInt16BE(0) % 360;
  const label = escapeXml(type.label);
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" ' +
    `role="img" aria-label="${label}"><title>${label}</title>` +
    `<rect width="64" height="64" rx="12" fill="hsl(${hue}, 55%, 38%)"/>` +
    '<text x="32" y="32" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" ' +
    `font-size="26" font-weight="600" fill="#ffffff">${escapeXml(initials(type))}</text></svg>`
  );
}

/** Up to two letters or digits: the first of each significant word of the label. */
export function initials(type: { name: string; label: string }): string {
  const words = type.label.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const significant = words.filter((word) => !GENERIC_WORDS.test(word));
  const chosen = significant.length > 0 ? significant : words;
  const letters = chosen.slice(0, 2).map((word) => [...word][0].toUpperCase());
  return letters.length > 0 ? letters.join('') : ([...type.name][0] ?? '?').toUpperCase();
}

/** Labels come from an operator's file and may hold any character, markup included. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ENTITIES[char]);
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
