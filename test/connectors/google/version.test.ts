import { ADS_API_SUNSET, ADS_API_VERSION } from '../../../connectors/google/version';

// Google Ads API sunset dates as published (tentative), vendor-apis.md §4b: v23 Feb 2027, v24 May 2027, v25 Aug 2027,
// v26 Nov 2027. Fails once the pinned version is past its sunset: bump ADS_API_VERSION (one constant) before then.
describe('the pinned Google Ads API version', () => {
  it('has a published sunset date, and it is still in the future', () => {
    const sunset = ADS_API_SUNSET[ADS_API_VERSION];
    expect(sunset).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Date.parse(sunset!)).toBeGreaterThan(Date.now());
  });

  it('is the newest version with a published sunset', () => {
    const newest = Object.keys(ADS_API_SUNSET).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    expect(ADS_API_VERSION).toBe(newest[newest.length - 1]);
  });
});
