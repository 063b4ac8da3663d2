import { expect } from 'expect';
import { describe, it } from 'node:test';
import { escapeXml, generatedIconSvg, initials } from './generated-icon';

describe('generated credential-type icons', () => {
  it('takes the initials of the significant words of the label', () => {
    expect(initials({ name: 'openAIApi', label: 'OpenAI API' })).toBe('O');
    expect(initials({ name: 'awsApi', label: 'AWS security credentials' })).toBe('AS');
    expect(initials({ name: 'gmailOAuth2', label: 'Gmail OAuth2' })).toBe('G');
    expect(initials({ name: 'x', label: 'API' })).toBe('A');
    expect(initials({ name: 'zeta', label: '---' })).toBe('Z');
  });

  it('escapes markup in the label, so an operator label cannot inject SVG', () => {
    const svg = generatedIconSvg({ name: 'evil', label: '<script>alert("x")</script> & co' });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(escapeXml(`'`)).toBe('&apos;');
  });

  it('gives a type the same colour every time, and different types different colours', () => {
    const fill = (name: string) =>
      /fill="(hsl\([^"]+\))"/.exec(generatedIconSvg({ name, label: 'Same Label' }))?.[1];
    expect(fill('openAIApi')).toBe(fill('openAIApi'));
    expect(fill('openAIApi')).not.toBe(fill('cohereApi'));
  });

  it('is a well-formed SVG document', () => {
    const svg = generatedIconSvg({ name: 'openAIApi', label: 'OpenAI API' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
  });
});
