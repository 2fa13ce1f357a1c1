// The agent's tools. Deterministic on purpose: the example runs offline and gives the same trace every
// time, so the README, the demo and the tests can rely on it.
import { tool } from 'ai';
import { z } from 'zod';

interface Conditions {
  tempC: number;
  condition: string;
}

const current: Record<string, Conditions> = {
  paris: { tempC: 18, condition: 'cloudy' },
  tokyo: { tempC: 24, condition: 'sunny' },
  lisbon: { tempC: 21, condition: 'windy' },
  oslo: { tempC: 4, condition: 'snowy' },
};

export const knownCities = Object.keys(current);

export const getWeather = tool({
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string().describe('City name, e.g. Paris') }),
  execute: async ({ city }: { city: string }) => {
    const found = current[city.toLowerCase()];
    if (!found) throw new Error(`no weather station for ${city}`);
    return { city, ...found };
  },
});

export const getForecast = tool({
  description: 'Forecast for the next days in a city',
  inputSchema: z.object({ city: z.string(), days: z.number().int().min(1).max(5) }),
  execute: async ({ city, days }: { city: string; days: number }) => {
    const base = current[city.toLowerCase()] ?? { tempC: 15, condition: 'unknown' };
    return { city, days: Array.from({ length: days }, (_, i) => ({ day: i + 1, tempC: base.tempC + ((i * 3) % 5) - 2, condition: base.condition })) };
  },
});

export const tools = { getWeather, getForecast };
