export { priceUsage, type PriceRequest, type PriceResult, type PricingOptions } from './price';
export { costFromOverride, findOverride, globToRegExp, isValidPrice, type ModelPriceOverride, type PriceOverrides, type TokenUsage } from './overrides';
export { priceProviderId } from './providers';
