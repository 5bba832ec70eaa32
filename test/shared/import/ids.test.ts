import { describe, expect, it } from 'vitest';
import { classifyId, IdShape, readId } from '../../../shared/import/ids.ts';
import { CellType } from '../../../shared/table/cells.ts';

describe('classifyId', () => {
  it.each([
    ['4.2E+27', IdShape.Scientific], ['4.20000092520210E+27', IdShape.Scientific], ['2.02101281707E+18', IdShape.Scientific], ['1E+15', IdShape.Scientific],
    ['76794078368359603449e77696995400', IdShape.Plain], ['1e5', IdShape.Plain], ['12E+27', IdShape.Plain], ['abc123', IdShape.Plain],
    ['4200000925202101284997714292', IdShape.Digits], ['4200000925202100000000000000', IdShape.Rounded], ['', IdShape.Empty], ['/', IdShape.Empty],
  ])('%s', (text, shape) => {
    expect(classifyId(text)).toBe(shape);
  });
  it('keeps hex order numbers that happen to contain e', () => {
    expect(readId('76794078368359603449e77696995400', CellType.Text, true, true)).toMatchObject({ value: '76794078368359603449e77696995400', damage: null });
  });
});
