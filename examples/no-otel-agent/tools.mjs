// The agent's tools: plain functions the model may call by name.
const skies = ['sunny', 'cloudy', 'light rain', 'clear'];

export function current_weather({ city }) {
  const seed = [...city].reduce((n, c) => n + c.charCodeAt(0), 0);
  return { city, temperatureC: 8 + (seed % 20), sky: skies[seed % skies.length] };
}

export const toolDefinitions = [
  {
    type: 'function',
    function: {
      name: 'current_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
