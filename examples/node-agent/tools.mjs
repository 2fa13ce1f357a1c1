// The agent's tools: plain functions with a JSON-schema description, the way an LLM SDK declares them.
// Deterministic data so every run gives the same trace.

const weather = {
  paris: { city: 'Paris', tempC: 18, condition: 'cloudy' },
  tokyo: { city: 'Tokyo', tempC: 24, condition: 'sunny' },
  lisbon: { city: 'Lisbon', tempC: 21, condition: 'windy' },
};

export const tools = {
  get_weather: {
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    run({ city }) {
      const found = weather[String(city).toLowerCase()];
      if (!found) throw new Error(`no weather station for ${city}`);
      return found;
    },
  },
  convert_temperature: {
    description: 'Celsius to Fahrenheit',
    parameters: { type: 'object', properties: { celsius: { type: 'number' } }, required: ['celsius'] },
    run({ celsius }) {
      return { fahrenheit: Math.round((celsius * 9) / 5 + 32) };
    },
  },
};

export const knownCities = Object.keys(weather);
