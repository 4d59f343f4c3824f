import { describe, expect, it } from 'vitest';
import { nodeFlagsOf, startNodeFlags } from '../scripts/start-command.ts';
import { parseOptions } from './options.ts';

describe('npm run bench options', () => {
  it('reads --flag value and --flag=value, a value that holds "=" too', () => {
    const o = parseOptions(['--appeals', '5_000', '--duration=3', '--only', 'intake,sweep', '--server-node-flags=--max-old-space-size=160 --max-semi-space-size=8']);
    expect([o.appeals, o.duration, o.only]).toEqual([5000, 3, ['intake', 'sweep']]);
    expect(o.serverNodeFlags).toEqual(['--max-old-space-size=160', '--max-semi-space-size=8']);
    expect(parseOptions(['--server-node-flags=']).serverNodeFlags).toEqual([]);
  });

  it('runs the server with the node flags of npm start unless told otherwise', () => {
    expect(parseOptions([]).serverNodeFlags).toEqual(startNodeFlags());
    expect(nodeFlagsOf('node --max-old-space-size=256 --import tsx src/main.ts serve')).toEqual(['--max-old-space-size=256']);
    expect(nodeFlagsOf('node --import tsx src/main.ts serve')).toEqual([]);
    expect(nodeFlagsOf('tsx src/main.ts serve')).toEqual([]);
  });

  it('refuses what it does not know, naming it', () => {
    expect(() => parseOptions(['--apeals', '5'])).toThrow('unknown option --apeals');
    expect(() => parseOptions(['--only', 'intake,swep'])).toThrow('unknown scenario swep');
    expect(() => parseOptions(['--duration', '-1'])).toThrow('--duration needs a positive number');
  });
});
