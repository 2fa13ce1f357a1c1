// The agent's tools: plain functions with a JSON-schema description, the way an LLM SDK declares them.
// Deterministic data so every run gives the same trace.

/** Where the caller is in its file (like a stack-based instrumentation's code.* attributes). */
export function here(depth = 2) {
  const frame = new Error().stack.split('\n')[depth] ?? '';
  const m = /\((.*):(\d+):\d+\)$/.exec(frame) ?? /at (.*):(\d+):\d+$/.exec(frame);
  return m ? { 'code.file.path': m[1].replace(/^file:\/\//, ''), 'code.line.number': Number(m[2]) } : {};
}

const weather = {
  paris: { city: 'Paris', tempC: 18, condition: 'cloudy' },
  tokyo: { city: 'Tokyo', tempC: 24, condition: 'sunny' },
  lisbon: { city: 'Lisbon', tempC: 21, condition: 'windy' },
};

export const tools = {
  get_weather: {
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    source: here(),
    run({ city }) {
      const found = weather[String(city).toLowerCase()];
      if (!found) throw new Error(`no weather station for ${city}`);
      return found;
    },
  },
  convert_temperature: {
    description: 'Celsius to Fahrenheit',
    parameters: { type: 'object', properties: { celsius: { type: 'number' } }, required: ['celsius'] },
    source: here(),
    run({ celsius }) {
      return { fahrenheit: Math.round((celsius * 9) / 5 + 32) };
    },
  },
};

export const knownCities = Object.keys(weather);
