import { describe, expect, it } from '@jest/globals';
import { CountProgress } from './progress.js';

describe('CountProgress', () => {
  it('redraws one line and ends it when the work is done', () => {
    let written = '';
    const out = { write: (text: string) => (written += text) } as unknown as NodeJS.WriteStream;
    const progress = new CountProgress('objects described', out);
    progress.update(25, 100);
    progress.update(50, 100); // within a quarter second: not drawn
    progress.update(100, 100);
    expect(written).toBe('\r\x1b[2K25/100 objects described\r\x1b[2K100/100 objects described\n');
  });
});
