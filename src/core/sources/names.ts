// Tool and agent names as emitted rarely match the code letter for letter: `get_weather` is defined as
// `getWeather`, `GetWeather` or `get-weather`. One key for all of them.

/** Lower case with separators removed: get_weather, getWeather, GetWeather, get-weather -> getweather. */
export function nameKey(name: string): string {
  return name.replace(/[\s_\-.]+/g, '').toLowerCase();
}
