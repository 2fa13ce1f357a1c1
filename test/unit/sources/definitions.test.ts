import * as assert from 'node:assert/strict';
import { scanDefinitions } from '../../../src/core/sources/definitions';

const pick = (text: string, lang: 'python' | 'script') => scanDefinitions(text, lang).map((d) => `${d.kind}:${d.name}@${d.line}`);

describe('sources: tool and agent definitions', () => {
  it('finds AI SDK tools bound to a variable or a key, LangChain tools and tool objects in TS/JS', () => {
    const ts = [
      "import { tool } from 'ai';",
      'export const getWeather = tool({', // 2
      "  description: 'Weather for a city',",
      '});',
      'const tools = {',
      '  searchFlights: tool({ inputSchema }),', // 6
      '};',
      'const lookup = tool(async ({ q }) => q, {', // 8
      "  name: 'lookup_docs',", // 9
      '});',
      'const t = new DynamicStructuredTool({', // 11
      "  name: 'book-hotel',", // 12
      '});',
      "const user = { name: 'not a tool' };", // 14
      'export async function convertCurrency(amount: number) {', // 15
      '}',
      'const planner = new Agent({', // 17
      "  name: 'TripPlanner',", // 18
      '});',
    ].join('\n');
    assert.deepEqual(pick(ts, 'script'), [
      'tool:getWeather@2', 'tool:searchFlights@6', 'tool:lookup@8', 'tool:lookup_docs@9', 'tool:t@11', 'tool:book-hotel@12',
      'function:convertCurrency@15', 'agent:TripPlanner@18',
    ]);
  });

  it('finds Python tools: @tool, @tool("name"), @function_tool, Tool(name=...), StructuredTool, and agents', () => {
    const py = [
      'from langchain_core.tools import tool',
      '@tool', // 2
      'def get_weather(city: str) -> str:', // 3
      '    return "sunny"',
      '@tool("search_flights")',
      'async def find_flights(origin, dest):', // 6
      '    ...',
      '@function_tool(name_override="convert")',
      'def convert_currency(amount):', // 9
      '    ...',
      'def helper():', // 11
      '    pass',
      'calc = Tool(name="calculator", func=calc_fn, description="math")', // 13
      'hotel = StructuredTool.from_function(', // 14
      '    func=book,',
      '    name="book_hotel",', // 16
      ')',
      'planner = Agent(name="TripPlanner", tools=[get_weather])', // 18
      'class ResearchAgent:', // 19
    ].join('\n');
    assert.deepEqual(pick(py, 'python'), [
      'tool:get_weather@3', 'tool:search_flights@6', 'function:find_flights@6', 'tool:convert@9', 'function:convert_currency@9',
      'function:helper@11', 'tool:calculator@13', 'tool:book_hotel@16', 'agent:TripPlanner@18', 'function:ResearchAgent@19',
    ]);
  });
});
