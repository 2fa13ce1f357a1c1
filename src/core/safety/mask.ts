// Masking: a secret or personal value is never shown whole, in any view or export made from findings.
import { detectPii, detectSecrets } from './secrets';

/** A value shown by its shape only: a short prefix (the provider's key prefix) and its length. */
export function maskValue(rule: string, value: string): string {
  if (rule === 'email') {
    const at = value.indexOf('@');
    const domain = value.slice(at + 1);
    const dot = domain.lastIndexOf('.');
    return `${value[0]}***@${domain[0]}***${dot > 0 ? domain.slice(dot) : ''}`;
  }
  if (rule === 'phone' || rule === 'card-number') {
    const digits = value.replace(/\D/g, '');
    return `${rule === 'phone' && value.startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-Math.min(4, rule === 'phone' ? 2 : 4))}`;
  }
  if (rule === 'private-key') return '-----BEGIN *** PRIVATE KEY----- [redacted]';
  const prefix = /^(?:sk-ant-|sk-proj-|sk-|gh[pousr]_|github_pat_|xox[abposr]-|AKIA|ASIA|AIza|hf_|gsk_|rk_live_|sk_live_|eyJ)/.exec(value)?.[0] ?? value.slice(0, Math.min(2, Math.floor(value.length / 8)));
  return `${prefix}***(${value.length} chars)`;
}

/** Any text with every secret and personal value in it masked (for matched injection text, messages, paths). */
export function maskText(text: string): string {
  const hits = [...detectSecrets(text), ...detectPii(text)].sort((a, b) => b.offset - a.offset);
  let out = text;
  let limit = Infinity;
  for (const h of hits) {
    if (h.offset + h.text.length > limit) continue;
    out = out.slice(0, h.offset) + maskValue(h.rule, h.text) + out.slice(h.offset + h.text.length);
    limit = h.offset;
  }
  return out;
}
