import { describe, expect, it } from 'vitest';
import { REPORT_USAGE, spawnBin } from './cli-helpers.js';

/** About 430 bytes, like a conversation with a phone number and telephony data. */
const line = (i: number): string =>
  `${JSON.stringify({
    name: `projects/acme-contact-center/locations/global/conversations/c-${i}`,
    lifecycleState: i % 3 === 0 ? 'COMPLETED' : 'IN_PROGRESS',
    conversationProfile: 'projects/acme-contact-center/locations/global/conversationProfiles/support-en-us',
    phoneNumber: { countryCode: 1, phoneNumber: '+16502530000' },
    startTime: '2026-11-23T10:15:30.123456Z',
    ...(i % 3 === 0 ? { endTime: '2026-11-23T10:45:00Z' } : {}),
    conversationStage: i % 2 === 0 ? 'HUMAN_ASSIST_STAGE' : 'VIRTUAL_AGENT_STAGE',
    telephonyConnectionInfo: { dialedNumber: '+16502530000' },
  })}\n`;

describe('validate on a large input, in a real process', () => {
  it('streams: about 100 MB through a 24 MB heap, every line answered, peak RSS under 100 MB', async () => {
    const LINES = 250_000;
    const { child, output, closed } = spawnBin(['validate', '--quiet'], ['--max-old-space-size=24', '--require', REPORT_USAGE]);
    // Write as fast as the child reads, no faster: the input never exists whole, here or there.
    let bytes = 0;
    for (let i = 0; i < LINES; i += 500) {
      let batch = '';
      for (let j = i; j < i + 500; j++) batch += line(j);
      bytes += batch.length;
      if (!child.stdin.write(batch)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    }
    child.stdin.end('{"name":"broken"\n');
    const code = await closed;
    const { stdout, stderr } = output;
    expect(bytes).toBeGreaterThan(100_000_000);
    expect(stdout).toBe(`<stdin>:${LINES + 1}: error: invalid JSON: ${stdout.split('invalid JSON: ')[1]}`);
    expect(stderr).toContain(`validate: ${LINES + 1} checked: ${LINES} valid, 1 invalid\n`);
    expect(code).toBe(1);
    const peak = Number(/peak-rss-kib=(\d+)/.exec(stderr)?.[1]) * 1024;
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(100 * 1000 * 1000);
  });

  it('stops quietly when its reader goes away (validate … | head)', async () => {
    const { child, output, closed } = spawnBin(['validate']);
    child.stdout.once('data', () => child.stdout.destroy());
    child.stdin.on('error', () => {}); // the child may be gone before all input is written
    let text = '';
    for (let i = 0; i < 20_000; i++) text += line(i);
    child.stdin.end(text);
    expect(await closed).toBe(0);
    expect(output.stderr).not.toContain('Error');
  });
});
