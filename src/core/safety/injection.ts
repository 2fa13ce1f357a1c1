// Prompt-injection heuristics over untrusted text (tool results, retrieved documents, fetched pages).
// Phrase rules (instruction overrides, role switches) are skipped when the text talks ABOUT the phrase:
// quoted, in a code span, or after words like "such as" / "attack" / "detect" in the same sentence.
// Hidden text and exfiltration links fire whatever the context: nobody documents with invisible characters.
import { matchesOf, maxScanChars, type TextMatch } from './textMatch';

interface PhraseRule {
  rule: string;
  re: RegExp;
  why: string;
}

const ignoreVerbs = 'ignore|disregard|forget|override|bypass|skip|drop|abandon|discard|set aside|pay no attention to|do not follow|don\'t follow|stop following';
const earlier = 'previous|prior|above|earlier|preceding|foregoing|all|any|your|the|system|original|initial|old|existing';
const orders = 'instructions?|requests?|tasks?|prompts?|rules|directions|directives|guidelines|guidance|context|orders|commands|constraints|programming|guardrails|restrictions|system message';

const phraseRules: PhraseRule[] = [
  {
    rule: 'ignore-instructions',
    re: new RegExp(`\\b(?:${ignoreVerbs})\\b[^.\\n]{0,40}?\\b(?:${earlier})\\b[^.\\n]{0,30}?\\b(?:${orders})\\b`, 'giu'),
    why: 'tells the model to drop the instructions it was given',
  },
  {
    rule: 'ignore-instructions',
    // Multilingual: an "ignore/forget" verb near an "instructions" noun (whole words in alphabetic scripts).
    re: /(?<!\p{L})(?:ignor(?:e[zr]?|a(?:r|te)?|iere?n?|iert)|negeer|игнорируй(?:те)?|игнорировать|забудь(?:те)?|oublie[zr]?|olvid[ae]|vergiss|vergessen sie|dimentica|esque[çc]a|zignoruj|yok say)(?!\p{L})[^.\n。]{0,40}?(?<!\p{L})(?:instru(?:ctions?|cciones|ções|coes)|istruzioni|anweisungen|instruktionen|instructies|инструкци[ияйю]|указания|instrukcje|talimat\p{L}*)|(?:忽略|无视|忘记|無視|忘れ|무시)[^.\n。]{0,20}?(?:指令|指示|说明|命令|지시)|(?:指令|指示|说明|命令|지시(?:를|사항을)?)[^.\n。]{0,12}?(?:忽略|无视|を無視|無視|무시)/giu,
    why: 'tells the model to drop its instructions (non-English)',
  },
  {
    rule: 'new-instructions',
    re: /\b(?:new|updated|real|actual|true|revised|secret|hidden) (?:instructions?|task|orders|directive|system prompt)\s*[:：-]|\byour (?:new|real|actual|true|only) (?:task|job|goal|instructions?|purpose) (?:is|are)\b|\bfrom now on,? (?:you|your|the assistant|respond|answer|always|only)\b|\bnouvelles instructions\s*:|\bneue anweisungen\s*:|\bnuevas instrucciones\s*:|\bnuove istruzioni\s*:|\bновые инструкции\s*:|新的指令|新しい指示/giu,
    why: 'announces replacement instructions',
  },
  {
    rule: 'persona-switch',
    re: /\byou are (?:now|no longer)\b|\b(?:act|behave|respond) as (?:if you (?:were|are)|an? (?:unrestricted|unfiltered|evil|jailbroken))|\bpretend (?:to be|you are|that you)\b|\b(?:DAN|do anything now|developer mode|jailbreak mode|god mode)\b(?:[^.\n]{0,40}\b(?:enabled|activated|on|mode)\b)?|\bdu bist (?:jetzt|nun)\b|\bahora eres\b|\btu es maintenant\b|\bты теперь\b|你现在是|あなたは今から/giu,
    why: 'tries to give the model a new persona or mode',
  },
  {
    rule: 'instruction-to-agent',
    re: /\b(?:note|message|attention|instruction|important|urgent)(?: to| for)? (?:the |all |any )?(?:ai|llm|assistant|agent|model|chatbot|gpt|claude)s?(?: (?:assistant|agent|model|system)s?)?\b\s*[:!,-]|(?:^|[.!?]\s+|\n)(?:dear )?(?:assistant|ai|agent|model|chatbot|claude|gpt)\s*[,:]\s*(?:please )?(?:ignore|disregard|forget|you must|send|forward|delete|email|do not|don't)\b|\b(?:ai|llm) (?:assistant|agent)s?,? (?:reading|processing|summari[sz]ing) this\b|\bif you are an? (?:ai|llm|language model|assistant|agent)\b/giu,
    why: 'addresses the model directly from inside content',
  },
  {
    rule: 'covert-action',
    re: /\b(?:do not|don't|never) (?:tell|inform|notify|mention (?:this )?to|alert|show|reveal (?:this )?to) (?:the )?(?:user|human|operator|owner)\b|\bwithout (?:telling|informing|notifying|asking) (?:the )?(?:user|human|operator)\b|\b(?:silently|secretly|quietly) (?:send|forward|email|upload|post|call|run|execute|delete|transfer)\b/giu,
    why: 'asks for an action hidden from the user',
  },
  {
    rule: 'prompt-leak',
    re: /\b(?:reveal|print|output|repeat|show|dump|leak|disclose|tell me) (?:me )?(?:your|the|all|any) (?:(?:full|entire|complete|hidden|original|initial|secret) )?(?:system prompt|instructions|initial prompt|hidden prompt|api keys?|secrets|credentials|passwords?)\b/giu,
    why: 'asks the model to reveal its prompt or secrets',
  },
  {
    rule: 'tool-command',
    re: /\b(?:send|forward|email|mail|upload|post|transfer|exfiltrate) (?:it|this|that|them|everything|all (?:of )?(?:the |this |your )?\w+|the (?:\w+ ){0,2}(?:data|conversation|history|contents?|file|files|results?|summary|keys?|credentials|passwords?|emails?|messages?|details))\b[^.\n]{0,40}?\b(?:to|at)\s+(?:[\w.+-]+@[\w-]+\.[\w.]+|https?:\/\/\S+)/giu,
    why: 'tells the model to send data to an address or URL',
  },
  {
    rule: 'role-switch',
    re: /<\|(?:im_start|im_end|system|user|assistant|endoftext|start_header_id|end_header_id|eot_id)\|>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:system|system_prompt|sys|instructions?|tool_result|function_results)>|^[ \t>#*]*(?:system|assistant|developer|sistema|système|систем[аы])\s*(?:message|prompt)?\s*[:：]\s*(?=\S)(?=[^\n]{0,80}\b(?:you|your|ignore|from now|new|override|always|never|must|the user|instructions?|tu|vous|du|tú|ты)\b)|^\s*(?:human|assistant)\s*:\s*(?=[^\n]{0,80}\b(?:ignore|instructions?|from now|you must|send)\b)/gimu,
    why: 'fakes a chat-role or prompt-template boundary',
  },
];

/** Words that, earlier in the same sentence, mean the text discusses a phrase rather than uses it. */
const metaContext = /\b(?:such as|like|e\.g\.|i\.e\.|for example|for instance|phrases?|strings?|patterns?|keywords?|detect\w*|filter\w*|block\w*|classif\w*|attacks?|injections?|jailbreaks?|payloads?|regex\w*|examples?|called|known as|refers? to|flags?|matches|matching|contain(?:s|ing)?|tests?|testing|sample|mitigat\w*|defen[cs]\w*|guard\w*|heuristics?|quoted)\b/iu;

function quotedOrCode(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const before = text.slice(lineStart, start);
  const ticks = (before.match(/`/g) ?? []).length;
  if (ticks % 2 === 1) return true;
  const prev = before.trimEnd().slice(-1);
  const next = text.slice(end, end + 3).trimStart().charAt(0);
  return /["'“‘«„`]/u.test(prev) && (/["'”’»“`]/u.test(next) || /["'”’»“`]/u.test(text.slice(end, end + 60)));
}

function discussed(text: string, start: number, end: number): boolean {
  if (quotedOrCode(text, start, end)) return true;
  const from = Math.max(0, start - 80);
  const before = text.slice(from, start);
  // Only the current sentence or line counts.
  const cut = Math.max(before.lastIndexOf('. '), before.lastIndexOf('\n'), before.lastIndexOf('? '), before.lastIndexOf('! '));
  return metaContext.test(cut >= 0 ? before.slice(cut + 1) : before);
}

const zeroWidth = /[\u200B\u2060\u180E]|(?<=.)\uFEFF|(?<=[A-Za-z0-9 ])[\u200C\u200D]|[\u200C\u200D](?=[A-Za-z0-9 ])/gu;
const tagChars = /[\u{E0000}-\u{E007F}]+/gu;
const bidi = /[\u202A-\u202E\u2066-\u2069]/gu;
const htmlComment = /<!--([\s\S]{0,4000}?)-->/g;
const hiddenStyle = /<(\w+)[^>]{0,200}style\s*=\s*["'][^"']{0,200}(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em)?\b|opacity\s*:\s*0(?:\.0+)?\b|color\s*:\s*(?:white|#fff(?:fff)?|transparent))[^"']{0,200}["'][^>]{0,200}>([\s\S]{0,2000}?)<\/\1>/giu;
const markdownComment = /^\[\/\/\]:\s*#\s*[("]([^\n]{0,2000})[)"]\s*$/gmu;
const base64Run = /[A-Za-z0-9+/]{32,}={0,2}|[A-Za-z0-9_-]{40,}/g;
const mdImage = /!\[([^\]\n]{0,200})\]\(\s*<?(https?:\/\/[^)\s>]{1,2000})>?(?:\s+"[^"\n]{0,200}")?\s*\)|<img\b[^>]{0,300}\bsrc\s*=\s*["'](https?:\/\/[^"']{1,2000})["']/giu;
const dataParams = /^(?:data|d|q|query|secret|token|key|apikey|api_key|pw|pwd|password|msg|message|content|history|chat|conv|conversation|email|mail|exfil|leak|info|payload|text|prompt|context|memory|user|creds?|credentials?|summary|s|p|x|c)$/i;
const agentWords = /\b(?:assistant|ai|llm|model|agent|chatbot|gpt|claude|instructions?|system prompt|you (?:must|should|will|are)|send|forward|email|password|secret|api key|do not tell)\b/iu;

/** Instruction-like or hidden content in a piece of untrusted text. */
export function detectInjection(input: string): TextMatch[] {
  const text = input.length > maxScanChars ? input.slice(0, maxScanChars) : input;
  const out: TextMatch[] = [];
  for (const r of phraseRules) {
    for (const m of matchesOf(r.re, text)) {
      if (discussed(text, m.index, m.index + m[0].length)) continue;
      out.push({ rule: r.rule, offset: m.index, text: m[0], why: r.why });
    }
  }
  hidden(text, out);
  exfiltration(text, out);
  encoded(text, out);
  return dedupe(out);
}

function hidden(text: string, out: TextMatch[]): void {
  const zw = [...matchesOf(zeroWidth, text)];
  if (zw.length) out.push({ rule: 'zero-width', offset: zw[0].index, text: codepoints(zw.map((m) => m[0]).join('').slice(0, 8)), why: `${zw.length} zero-width character(s) hide text from a human reader` });
  for (const m of matchesOf(tagChars, text)) {
    const decoded = [...m[0]].map((c) => String.fromCodePoint((c.codePointAt(0) ?? 0xe0000) - 0xe0000)).join('');
    out.push({ rule: 'unicode-tags', offset: m.index, text: decoded, why: 'invisible Unicode tag characters spell out hidden text' });
  }
  const bd = [...matchesOf(bidi, text)];
  if (bd.length) out.push({ rule: 'bidi-control', offset: bd[0].index, text: codepoints(bd.map((m) => m[0]).join('').slice(0, 8)), why: `${bd.length} bidirectional control character(s) make the shown text differ from what the model reads` });
  for (const m of matchesOf(htmlComment, text)) {
    if (agentWords.test(m[1])) out.push({ rule: 'html-comment', offset: m.index, text: m[0], why: 'an HTML comment (invisible when rendered) carries instructions' });
  }
  for (const m of matchesOf(markdownComment, text)) {
    if (agentWords.test(m[1])) out.push({ rule: 'markdown-comment', offset: m.index, text: m[0], why: 'a markdown comment (invisible when rendered) carries instructions' });
  }
  for (const m of matchesOf(hiddenStyle, text)) {
    if (agentWords.test(m[2])) out.push({ rule: 'hidden-html', offset: m.index, text: m[0], why: 'text styled to be invisible carries instructions' });
  }
}

function exfiltration(text: string, out: TextMatch[]): void {
  for (const m of matchesOf(mdImage, text)) {
    const raw = m[2] ?? m[3];
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    const suspicious = [...url.searchParams].find(([k, v]) => /[{}<>$[\]]|%7B|%3C|%24/i.test(v) || /[A-Za-z0-9+/=_-]{24,}/.test(v) || (dataParams.test(k) && v.length >= 6));
    const templated = /[{}<>$[\]]|%7B|%3C|%24/i.test(url.pathname);
    if (suspicious || templated) {
      out.push({ rule: 'exfiltration-link', offset: m.index, text: m[0], why: `an image the renderer fetches automatically would send data to ${url.host}${suspicious ? ` in '${suspicious[0]}'` : ' in its path'}` });
    }
  }
}

function encoded(text: string, out: TextMatch[]): void {
  for (const m of matchesOf(base64Run, text)) {
    const decoded = decodeBase64Text(m[0]);
    if (!decoded) continue;
    const inner = detectInjection(decoded).filter((x) => x.rule !== 'base64');
    if (inner.length) out.push({ rule: 'base64', offset: m.index, text: m[0], why: `base64 that decodes to instructions ("${decoded.slice(0, 60)}"): ${inner[0].why}` });
  }
}

/** Decodes base64 only when the result is readable text (keys, hashes and images decode to noise). */
function decodeBase64Text(s: string): string | undefined {
  if (s.length > 20_000) return undefined;
  const decoded = Buffer.from(s, /[-_]/.test(s) ? 'base64url' : 'base64').toString('utf8');
  if (decoded.length < 12) return undefined;
  const printable = decoded.replace(/[^\x20-\x7E\n\r\t\u00A0-\uFFFF]/gu, '').length;
  if (printable / decoded.length < 0.95 || decoded.includes('\uFFFD') || !/\s/.test(decoded)) return undefined;
  return decoded;
}

function codepoints(s: string): string {
  return [...s].map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

/** One hit per rule and offset; overlapping phrase hits of the same rule keep the first. */
function dedupe(list: TextMatch[]): TextMatch[] {
  list.sort((a, b) => a.offset - b.offset);
  const out: TextMatch[] = [];
  for (const m of list) {
    if (out.some((o) => o.rule === m.rule && m.offset < o.offset + o.text.length)) continue;
    out.push(m);
  }
  return out;
}
