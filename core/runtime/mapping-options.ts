import fs from 'node:fs';
import type { HubConfig } from '../config';
import type { MappingEngineOptions } from '../mapping';
import { ConfigError } from '../sdk/errors';

/** Engine options from the hub configuration: default phone country and the extra city synonyms. */
export function mappingOptionsFromConfig(config: HubConfig): MappingEngineOptions {
  const options: MappingEngineOptions = { defaultCountry: config.defaultCountry };
  if (config.citySynonymsFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(config.citySynonymsFile, 'utf8'));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`HUB_CITY_SYNONYMS=${config.citySynonymsFile} cannot be read: ${reason}`, {
        field: 'HUB_CITY_SYNONYMS',
      });
    }
    const valid =
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((v) => Array.isArray(v) && v.every((s) => typeof s === 'string'));
    if (!valid) {
      throw new ConfigError(
        `HUB_CITY_SYNONYMS=${config.citySynonymsFile} is not valid: expected a JSON object { "Canonical name": ["synonym", …] }`,
        { field: 'HUB_CITY_SYNONYMS' },
      );
    }
    options.citySynonyms = parsed as Record<string, string[]>;
  }
  return options;
}
