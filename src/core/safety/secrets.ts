// Secrets (provider and cloud keys, private keys, tokens, Luhn-valid card numbers) and personal data
// (e-mail addresses, phone numbers) in text sent to a model or a tool. Documentation placeholders
// (`sk-...`, `YOUR_KEY`, AWS's `...EXAMPLE`, low-entropy fillers, test card numbers) are not secrets.
import { matchesOf, maxScanChars, type TextMatch } from './textMatch';

interface SecretRule {
  rule: string;
  re: RegExp;
  why: string;
  /** Which capture group holds the secret itself (default: the whole match). */
  group?: number;
}

const secretRules: SecretRule[] = [
  { rule: 'anthropic-key', re: /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}/g, why: 'an Anthropic API key' },
  { rule: 'openai-key', re: /\bsk-(?:proj-|svcacct-|admin-)?(?!ant-)[A-Za-z0-9_-]{20,}/g, why: 'an OpenAI-style API key' },
  { rule: 'aws-access-key', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, why: 'an AWS access key id' },
  { rule: 'aws-secret-key', re: /\baws_?secret_?access_?key\b["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b/gi, why: 'an AWS secret access key', group: 1 },
  { rule: 'google-api-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g, why: 'a Google API key' },
  { rule: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g, why: 'a GitHub token' },
  { rule: 'slack-token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, why: 'a Slack token' },
  { rule: 'stripe-key', re: /\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b/g, why: 'a Stripe live key' },
  { rule: 'huggingface-token', re: /\bhf_[A-Za-z]{30,}\b/g, why: 'a Hugging Face token' },
  { rule: 'groq-key', re: /\bgsk_[A-Za-z0-9]{40,}\b/g, why: 'a Groq API key' },
  { rule: 'azure-key', re: /\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,}={0,2})/g, why: 'an Azure storage or service bus key', group: 1 },
  { rule: 'private-key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g, why: 'a private key' },
  { rule: 'jwt', re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, why: 'a JSON Web Token' },
  { rule: 'bearer-token', re: /\bBearer\s+([A-Za-z0-9._~+/-]{24,}=*)/g, why: 'a bearer token', group: 1 },
  { rule: 'password-assignment', re: /\b(?:password|passwd|pwd|secret|api_?key|access_?token)\b["']?\s*[:=]\s*["']([^"'\s]{8,})["']/gi, why: 'a password or key assigned in text', group: 1 },
];

const cardCandidate = /(?<![\d.-])(?:\d[ -]?){12,18}\d(?![\d-])/g;
const testCards = new Set(['4242424242424242', '4111111111111111', '5555555555554444', '5105105105105100', '378282246310005', '371449635398431', '6011111111111117', '4000056655665556', '4012888888881881']);
const email = /(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])/g;
const phone = /(?<![\w.+/-])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}-\d{3}-\d{4})(?![\w.-]?\d)/g;
const placeholderDomains = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|domain\.com|email\.com)$/i;

export function detectSecrets(input: string): TextMatch[] {
  const text = input.length > maxScanChars ? input.slice(0, maxScanChars) : input;
  const out: TextMatch[] = [];
  const taken: [number, number][] = [];
  for (const r of secretRules) {
    for (const m of matchesOf(r.re, text)) {
      const value = m[r.group ?? 0];
      const offset = m.index + m[0].indexOf(value);
      if (taken.some(([a, b]) => offset < b && offset + value.length > a)) continue;
      if (r.rule !== 'private-key' && isPlaceholder(value, text, offset)) continue;
      taken.push([offset, offset + value.length]);
      out.push({ rule: r.rule, offset, text: value, why: `looks like ${r.why}` });
    }
  }
  for (const m of matchesOf(cardCandidate, text)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 13 || digits.length > 19 || !/^(?:4|5[1-5]|2[2-7]|3[47]|6(?:011|5))/.test(digits)) continue;
    if (!luhn(digits) || testCards.has(digits) || /^(\d)\1+$/.test(digits)) continue;
    out.push({ rule: 'card-number', offset: m.index, text: m[0], why: 'a payment card number (passes the Luhn check)' });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

export function detectPii(input: string): TextMatch[] {
  const text = input.length > maxScanChars ? input.slice(0, maxScanChars) : input;
  const out: TextMatch[] = [];
  // Most text has no '@': the address pattern, tried at every letter, was ~40% of a scan of prose.
  for (const m of text.includes('@') ? matchesOf(email, text) : []) {
    const domain = m[0].slice(m[0].indexOf('@') + 1);
    if (placeholderDomains.test(domain) || /\.(?:png|jpe?g|gif|svg|webp)$/i.test(domain)) continue;
    out.push({ rule: 'email', offset: m.index, text: m[0], why: 'an e-mail address' });
  }
  for (const m of matchesOf(phone, text)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 9 || digits.length > 15 || /^(\d)\1+$/.test(digits) || /555-?01\d\d$/.test(m[0])) continue;
    out.push({ rule: 'phone', offset: m.index, text: m[0], why: 'a phone number' });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** Documentation and test fillers: `sk-...`, `YOUR_API_KEY`, `<token>`, `AKIA...EXAMPLE`, `sk-xxxxxxxx`, `sk-1234567890abcdef`. */
export function isPlaceholder(value: string, text: string, offset: number): boolean {
  if (/\.\.\.|…|x{4,}|X{4,}|\*{3,}|your|example|placeholder|redacted|dummy|fake|sample|changeme|<|>|\{|\}/i.test(value)) return true;
  if (/^[^A-Za-z0-9]*$/.test(value)) return true;
  // Right after the value: `sk-abc...` written as a truncated example.
  if (/^(?:\.\.\.|…)/.test(text.slice(offset + value.length, offset + value.length + 3))) return true;
  const body = value.replace(/^(?:sk-(?:proj-|ant-api\d\d-)?|gh[pousr]_|xox[abposr]-|AKIA|AIza|hf_|gsk_)/, '');
  if (/0123456789|123456789|abcdefghij|(.)\1{5,}/i.test(body)) return true;
  return entropy(body) < 3;
}

/** Shannon entropy in bits per character: random keys are > 4, fillers and words are lower. */
function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
