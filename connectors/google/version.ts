/**
 * The Google Ads API version this connector calls, in one place. Google ships four major versions a year and sunsets
 * each about a year later; a request to a sunset version answers 404 ([doc] vendor-apis.md §4b, "Versions":
 * developers.google.com/google-ads/api/docs/sunset-dates). test/connectors/google/version.test.ts fails once the
 * pinned version is past its published sunset, so the bump happens before users see 404s.
 */
export const ADS_API_VERSION = 'v26';

/** Published (tentative) sunset months, as the first day of the month to err early. */
export const ADS_API_SUNSET: Readonly<Record<string, string>> = {
  v23: '2027-02-01',
  v24: '2027-05-01',
  v25: '2027-08-01',
  v26: '2027-11-01',
};

/** The Data Manager API version (one version, v1, since general availability in 2025). */
export const DATA_MANAGER_VERSION = 'v1';
