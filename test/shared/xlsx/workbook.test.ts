import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../shared/errors.ts';
import { officeDocumentPart, parseWorkbook, relsPartFor, resolvePartName } from '../../../shared/xlsx/workbook.ts';

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

describe('parseWorkbook', () => {
  it('lists sheets in tab order with their parts, shared strings, styles and the date system', () => {
    const workbook = `<?xml version="1.0"?><workbook xmlns="x" xmlns:r="${REL}"><workbookPr date1904="1"/><sheets>
      <sheet name="交易账单" sheetId="3" r:id="rId3"/><sheet name="A &amp; B" sheetId="1" r:id="rId1" state="hidden"/></sheets></workbook>`;
    const rels = `<Relationships xmlns="p">
      <Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>
      <Relationship Id="rId3" Type="${REL}/worksheet" Target="/xl/worksheets/sheet3.xml"/>
      <Relationship Id="rId4" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>
      <Relationship Id="rId5" Type="${REL}/styles" Target="../xl/styles.xml"/></Relationships>`;
    expect(parseWorkbook(workbook, rels)).toEqual({
      sheets: [
        { name: '交易账单', part: 'xl/worksheets/sheet3.xml' },
        { name: 'A & B', part: 'xl/worksheets/sheet1.xml' },
      ],
      date1904: true,
      sharedStringsPart: 'xl/sharedStrings.xml',
      stylesPart: 'xl/styles.xml',
    });
  });

  it('reads prefixed elements, any prefix for the relationship id, strict OOXML and single quotes', () => {
    const workbook = `<x:workbook xmlns:x="s" xmlns:rel="http://purl.oclc.org/ooxml/officeDocument/relationships">
      <x:workbookPr date1904='true'/><x:sheets><x:sheet name='S1' sheetId='1' rel:id='a'/></x:sheets></x:workbook>`;
    const rels = `<Relationships><Relationship Id="a" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="sheets/s%201.xml"/></Relationships>`;
    expect(parseWorkbook(workbook, rels)).toEqual({ sheets: [{ name: 'S1', part: 'xl/sheets/s 1.xml' }], date1904: true });
  });

  it('falls back to [Content_Types].xml for shared strings and styles', () => {
    const workbook = `<workbook xmlns:r="${REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`;
    const rels = `<Relationships><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;
    const types = `<Types><Override PartName="/xl/SharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
      <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`;
    expect(parseWorkbook(workbook, rels, 'xl/workbook.xml', types)).toMatchObject({
      date1904: false,
      sharedStringsPart: 'xl/SharedStrings.xml',
      stylesPart: 'xl/styles.xml',
    });
  });

  it('refuses a sheet without a relationship', () => {
    const workbook = `<workbook xmlns:r="${REL}"><sheets><sheet name="Lost" sheetId="1" r:id="rId9"/></sheets></workbook>`;
    let error: unknown;
    try {
      parseWorkbook(workbook, '<Relationships/>');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code: 'xlsx-corrupt', params: { part: 'xl/workbook.xml', sheet: 'Lost' } });
  });
});

describe('part names', () => {
  it('resolves relative and absolute targets', () => {
    expect(resolvePartName('xl/workbook.xml', 'worksheets/sheet1.xml')).toBe('xl/worksheets/sheet1.xml');
    expect(resolvePartName('xl/workbook.xml', './worksheets/../worksheets/sheet1.xml')).toBe('xl/worksheets/sheet1.xml');
    expect(resolvePartName('xl/workbook.xml', '/xl/styles.xml')).toBe('xl/styles.xml');
    expect(resolvePartName('xl/workbook.xml', 'worksheets\\sheet2.xml')).toBe('xl/worksheets/sheet2.xml');
    expect(relsPartFor('xl/workbook.xml')).toBe('xl/_rels/workbook.xml.rels');
    expect(relsPartFor('workbook.xml')).toBe('_rels/workbook.xml.rels');
  });

  it('finds the main part from the package relationships', () => {
    const rels = `<Relationships><Relationship Id="rId2" Type="${REL}/extended-properties" Target="docProps/app.xml"/>
      <Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook2.xml"/></Relationships>`;
    expect(officeDocumentPart(rels)).toBe('xl/workbook2.xml');
    expect(officeDocumentPart('<Relationships/>')).toBeUndefined();
  });
});
