import { Metadata, type MetadataJson } from 'libphonenumber-js/core';
import type { PhoneNumber } from 'libphonenumber-js/max';
import metadataJson from 'libphonenumber-js/max/metadata';

/**
 * `PhoneNumber.isValid()` of libphonenumber-js (full "max" metadata) with each numbering plan's patterns compiled
 * once. The library's check builds a metadata object and a `RegExp` from the pattern text for every pattern it
 * tries, on every call (helpers/matchesEntirely.js), which was half the cost of `$normalizePhone` in
 * bench/conversions. The rule is the library's (isValid.js, helpers/getNumberType.js): the national number matches
 * the plan's national pattern and, when the plan lists number types, at least one type whose pattern matches it
 * entirely and whose possible lengths (the type's, else the plan's) include its length. Plans are kept per country
 * (or calling code, for numbers of no one country): at most the ~250 the metadata holds.
 * test/core/mapping/stdlib/phone.test.ts holds the answers equal to the library's on every country's examples.
 */

/** The number types getNumberType tries (FIXED_LINE first; any match makes the number valid). */
const TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

/** The part of the library's NumberingPlan this reads (its types.d.ts declares less than the class has). */
interface PlanView {
  nationalNumberPattern(): string;
  hasTypes(): boolean;
  type(type: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

interface Rules {
  national: RegExp;
  /** Absent: the plan lists no types, the national pattern alone decides. */
  types: { pattern: RegExp; lengths: number[] | undefined }[] | undefined;
}

const rulesByPlan = new Map<string, Rules | null>();
const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);

function rulesFor(plan: string): Rules | null {
  let rules = rulesByPlan.get(plan);
  if (rules !== undefined) return rules;
  try {
    const metadata = new Metadata(metadataJson as unknown as MetadataJson) as unknown as {
      selectNumberingPlan(plan: string): void;
      numberingPlan?: PlanView;
    };
    metadata.selectNumberingPlan(plan);
    const view = metadata.numberingPlan;
    rules =
      view === undefined
        ? null
        : {
            national: whole(view.nationalNumberPattern()),
            types: view.hasTypes()
              ? TYPES.flatMap((type) => {
                  const definition = view.type(type);
                  const pattern = definition?.pattern();
                  return definition === undefined || !pattern
                    ? []
                    : [{ pattern: whole(pattern), lengths: definition.possibleLengths() || undefined }];
                })
              : undefined,
          };
  } catch {
    rules = null; // a plan the metadata does not know: the library decides (below)
  }
  rulesByPlan.set(plan, rules);
  return rules;
}

/** Same answer as `phone.isValid()`, without rebuilding the plan's patterns. */
export function isValidPhone(phone: PhoneNumber): boolean {
  const rules = rulesFor(phone.country ?? phone.countryCallingCode);
  if (rules === null) return phone.isValid();
  const national = phone.nationalNumber;
  if (!rules.national.test(national)) return false;
  if (rules.types === undefined) return true;
  return rules.types.some(
    (t) => (t.lengths === undefined || t.lengths.includes(national.length)) && t.pattern.test(national),
  );
}

/** How many numbering plans have their patterns compiled (tests: the library's own check is not what answered). */
export function compiledPlans(): number {
  let count = 0;
  for (const rules of rulesByPlan.values()) if (rules !== null) count++;
  return count;
}
