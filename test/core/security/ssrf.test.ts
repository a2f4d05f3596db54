import { RetryableError } from '../../../core/sdk';
import { SsrfError, assertPublicUrl, nonPublicReason, parseAllowList } from '../../../core/security/ssrf';

const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));

async function refusal(url: string, options = {}): Promise<SsrfError> {
  const error = await assertPublicUrl(url, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SsrfError);
  return error as SsrfError;
}

describe('assertPublicUrl', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::127.0.0.1]/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://127.1/',
    'http://127.0.0.1:8080/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://[ff02::1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
  ])('refuses %s', async (url) => {
    expect((await refusal(url)).code).toBe('private_address');
  });

  it('refuses a name resolving to a private address, even among public ones', async () => {
    const error = await refusal('https://api.vendor.test/x', { lookup: resolvesTo('93.184.215.14', '10.1.2.3') });
    expect(error.message).toContain('HUB_ALLOW_PRIVATE_HOSTS');
    expect(error.kind).toBe('config');
    await refusal('http://localhost/'); // real DNS: loopback
  });

  it('refuses other protocols and invalid URLs', async () => {
    for (const url of ['ftp://93.184.215.14/', 'file:///etc/passwd', 'gopher://93.184.215.14/', 'javascript:alert(1)'])
      expect((await refusal(url)).code).toBe('protocol');
    expect((await refusal('not a url')).code).toBe('invalid_url');
  });

  it('allows public addresses and returns the addresses it checked', async () => {
    expect((await assertPublicUrl('https://93.184.215.14/path')).addresses).toEqual([
      { address: '93.184.215.14', family: 4 },
    ]);
    expect((await assertPublicUrl('http://[2606:2800:220:1:248:1893:25c8:1946]/')).addresses[0].family).toBe(6);
    const vetted = await assertPublicUrl('https://API.vendor.test/v3', { lookup: resolvesTo('93.184.215.14') });
    expect(vetted.url.hostname).toBe('api.vendor.test');
    expect(vetted.addresses).toEqual([{ address: '93.184.215.14', family: 4 }]);
  });

  it('lets the allow-list through: hosts (exact or *.suffix) and CIDR ranges', async () => {
    const lookup = resolvesTo('10.20.0.7');
    await expect(
      assertPublicUrl('http://erp.corp.test/', { lookup, allowHosts: ['erp.corp.test'] }),
    ).resolves.toBeDefined();
    await expect(
      assertPublicUrl('http://a.corp.test/', { lookup, allowHosts: ['*.corp.test'] }),
    ).resolves.toBeDefined();
    await refusal('http://corp.test.evil.test/', { lookup, allowHosts: ['*.corp.test'] });
    await expect(
      assertPublicUrl('http://erp.corp.test/', { lookup, allowCidrs: ['10.20.0.0/16'] }),
    ).resolves.toBeDefined();
    await refusal('http://erp.corp.test/', { lookup, allowCidrs: ['10.21.0.0/16'] });
    await expect(assertPublicUrl('http://127.0.0.1:3000/', { allowCidrs: ['127.0.0.1/32'] })).resolves.toBeDefined();
    await expect(
      assertPublicUrl('http://[::ffff:10.20.0.7]/', { allowCidrs: ['10.20.0.0/16'] }),
    ).resolves.toBeDefined();
    await expect(assertPublicUrl('http://x.test/', { allowCidrs: ['nonsense'] })).rejects.toThrow('not a CIDR range');
  });

  it('reports DNS failures as retryable', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };
    await expect(assertPublicUrl('https://api.vendor.test/', { lookup })).rejects.toBeInstanceOf(RetryableError);
    await expect(assertPublicUrl('https://api.vendor.test/', { lookup: resolvesTo() })).rejects.toBeInstanceOf(
      RetryableError,
    );
  });
});

describe('nonPublicReason / parseAllowList', () => {
  it('names the range of a non-public address', () => {
    expect(nonPublicReason('8.8.8.8')).toBeUndefined();
    expect(nonPublicReason('2001:4860:4860::8888')).toBeUndefined();
    expect(nonPublicReason('169.254.169.254')).toBe('linkLocal');
    expect(nonPublicReason('100.100.1.1')).toBe('carrierGradeNat');
    expect(nonPublicReason('::ffff:8.8.8.8')).toBe('IPv4-mapped IPv6');
    expect(nonPublicReason('fc00::1')).toBe('uniqueLocal');
    expect(nonPublicReason('example.com')).toBe('not an IP address');
  });

  it('splits HUB_ALLOW_PRIVATE_HOSTS into hosts and ranges', () => {
    expect(parseAllowList(' erp.local, 10.20.0.0/16,192.168.1.5,fd00::1 ,,*.corp.test')).toEqual({
      allowHosts: ['erp.local', '*.corp.test'],
      allowCidrs: ['10.20.0.0/16', '192.168.1.5/32', 'fd00::1/128'],
    });
    expect(parseAllowList(undefined)).toEqual({ allowHosts: [], allowCidrs: [] });
  });
});
