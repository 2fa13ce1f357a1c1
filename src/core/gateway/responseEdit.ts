// A recorded answer as one JSON document a user can edit ("what if the model had called this tool"):
// a plain JSON body as it was; a stream assembled by the provider's parser into the plain body it stands
// for (played back as a stream again when the agent asks for one, see replayer.ts).
import { bodyKindOf, ResponseRecorder } from './bodyRecorder';
import { chunkBytes, type CassetteExchange } from './cassette';
import { parserFor } from './gateway';
import { canSynthesise, responseBody } from './synthResponse';

export function editableResponse(x: CassetteExchange): { body: unknown } | { reason: string } {
  const r = x.response;
  if (r.status !== 200) return { reason: `the recorded call ended with HTTP ${r.status}` };
  const bytes = Buffer.concat(r.chunks.map(chunkBytes));
  const kind = bodyKindOf(r.contentType);
  if (kind === 'json') {
    try {
      return { body: JSON.parse(bytes.toString('utf8')) as unknown };
    } catch {
      return { reason: 'the recorded answer is not JSON' };
    }
  }
  if (!canSynthesise(x.provider)) return { reason: `a streamed ${x.provider} answer can only be edited for OpenAI and Anthropic calls` };
  const recorder = new ResponseRecorder(kind, parserFor(x.provider, x.path), bytes.length + 1);
  recorder.push(bytes);
  const parsed = recorder.finish();
  if (!parsed) return { reason: 'the recorded stream holds no events' };
  return { body: responseBody(x.provider, parsed, `edited-${x.step}`) };
}
