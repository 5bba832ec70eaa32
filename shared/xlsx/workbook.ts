/**
 * The workbook's table of contents: which sheets exist, in tab order, where each one's XML
 * lives in the zip, and the date system. Part names are returned as zip entry names (no leading
 * slash); callers should look them up case-insensitively, as OPC part names are.
 */
import { ImportError } from '../errors.ts';
import { attributeByLocalName, findTags } from './xml-tags.ts';

export interface WorkbookInfo {
  sheets: { name: string; part: string }[];
  /** Serial 0 is 1904-01-01 (old Mac Excel) instead of 1900-01-00. */
  date1904: boolean;
  sharedStringsPart?: string;
  stylesPart?: string;
}

export interface Relationship {
  id: string;
  /** The relationship type's last path segment (`worksheet`, `sharedStrings`): transitional and strict OOXML differ only before it. */
  kind: string;
  /** The target resolved to a part name, or the raw target when external. */
  target: string;
  external: boolean;
}

export const DEFAULT_WORKBOOK_PART = 'xl/workbook.xml';

const CONTENT_TYPE_SHARED_STRINGS = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml';
const CONTENT_TYPE_STYLES = 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml';

/**
 * @param relsXml `xl/_rels/workbook.xml.rels` (see relsPartFor)
 * @param contentTypesXml `[Content_Types].xml`: a fallback for finding the shared strings and
 *   styles when the workbook's relationships omit them, as some generators do.
 */
export function parseWorkbook(
  workbookXml: string,
  relsXml: string,
  workbookPart: string = DEFAULT_WORKBOOK_PART,
  contentTypesXml?: string,
): WorkbookInfo {
  const rels = parseRelationships(relsXml, workbookPart);
  const byId = new Map(rels.map((r) => [r.id, r]));
  const sheets: { name: string; part: string }[] = [];
  for (const tag of findTags(workbookXml, 'sheet')) {
    const name = tag.attrs['name'];
    const id = attributeByLocalName(tag.attrs, 'id');
    const rel = id === undefined ? undefined : byId.get(id);
    if (name === undefined || rel === undefined || rel.external) {
      throw new ImportError(
        'xlsx-corrupt',
        { part: workbookPart, sheet: name ?? '' },
        `sheet ${JSON.stringify(name)} has no relationship ${JSON.stringify(id)}`,
      );
    }
    sheets.push({ name, part: rel.target });
  }
  const workbookPr = findTags(workbookXml, 'workbookPr')[0];
  const date1904 = isTrue(workbookPr?.attrs['date1904']);

  const info: WorkbookInfo = { sheets, date1904 };
  const sharedStrings = rels.find((r) => r.kind === 'sharedStrings' && !r.external);
  const styles = rels.find((r) => r.kind === 'styles' && !r.external);
  let sharedStringsPart = sharedStrings?.target;
  let stylesPart = styles?.target;
  if ((sharedStringsPart === undefined || stylesPart === undefined) && contentTypesXml !== undefined) {
    const overrides = parseContentTypeOverrides(contentTypesXml);
    sharedStringsPart ??= overrides.find((o) => o.contentType === CONTENT_TYPE_SHARED_STRINGS)?.part;
    stylesPart ??= overrides.find((o) => o.contentType === CONTENT_TYPE_STYLES)?.part;
  }
  if (sharedStringsPart !== undefined) info.sharedStringsPart = sharedStringsPart;
  if (stylesPart !== undefined) info.stylesPart = stylesPart;
  return info;
}

function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

/** The main part named by the package relationships (`_rels/.rels`), normally `xl/workbook.xml`. */
export function officeDocumentPart(rootRelsXml: string): string | undefined {
  return parseRelationships(rootRelsXml, '').find((r) => r.kind === 'officeDocument' && !r.external)?.target;
}

/** `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`. */
export function relsPartFor(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

export function parseRelationships(relsXml: string, sourcePart: string): Relationship[] {
  const rels: Relationship[] = [];
  for (const tag of findTags(relsXml, 'Relationship')) {
    const id = tag.attrs['Id'];
    const type = tag.attrs['Type'] ?? '';
    const target = tag.attrs['Target'];
    if (id === undefined || target === undefined) continue;
    const external = tag.attrs['TargetMode'] === 'External';
    rels.push({
      id,
      kind: type.slice(type.lastIndexOf('/') + 1),
      target: external ? target : resolvePartName(sourcePart, target),
      external,
    });
  }
  return rels;
}

/**
 * Resolves a relationship target against the part that holds the relationship: relative
 * (`worksheets/sheet1.xml`, `../xl/styles.xml`) or absolute (`/xl/worksheets/sheet1.xml`).
 */
export function resolvePartName(sourcePart: string, target: string): string {
  let path = target.replace(/\\/g, '/');
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      // Not percent-encoding after all; keep the name as written.
    }
  }
  const segments = path.startsWith('/') ? [] : sourcePart.split('/').slice(0, -1);
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}

export function parseContentTypeOverrides(contentTypesXml: string): { part: string; contentType: string }[] {
  const out: { part: string; contentType: string }[] = [];
  for (const tag of findTags(contentTypesXml, 'Override')) {
    const partName = tag.attrs['PartName'];
    const contentType = tag.attrs['ContentType'];
    if (partName !== undefined && contentType !== undefined) {
      out.push({ part: resolvePartName('', partName), contentType });
    }
  }
  return out;
}
