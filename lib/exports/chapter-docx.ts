/**
 * The country-chapter draft as a Word document, from the same chapter model as the Markdown (lib/exports/chapter.ts).
 * `docx` is loaded only when this export is asked for, so the statistics page does not carry it.
 */
import type { TStatsRecord } from '@/lib/stats/aggregate';
import { buildChapter } from './chapter';
import { periodSlug, type TExportFile, type TExportOptions } from './export-context';

export async function chapterDocx(records: readonly TStatsRecord[], options: TExportOptions): Promise<TExportFile> {
  const chapter = buildChapter(records, options);
  const { Document, HeadingLevel, Packer, Paragraph, TextRun } = await import('docx');
  const children = [
    new Paragraph({ text: chapter.title, heading: HeadingLevel.HEADING_1 }),
    new Paragraph({ children: [new TextRun({ text: chapter.preface, italics: true })] }),
  ];
  for (const section of chapter.sections) {
    children.push(new Paragraph({ text: section.heading, heading: HeadingLevel.HEADING_2 }));
    children.push(new Paragraph({ text: section.countText }));
    if (section.seeAlso.length > 0) children.push(new Paragraph({ text: `(See also under ${section.seeAlso.join(', ')})` }));
    for (const paragraph of section.paragraphs) children.push(new Paragraph({ text: paragraph }));
  }
  children.push(new Paragraph({ children: [new TextRun({ text: `*${chapter.note}`, italics: true })] }));
  const document = new Document({
    creator: 'Qorgau',
    title: `${chapter.title}: country chapter draft`,
    description: chapter.preface,
    sections: [{ children }],
  });
  const bytes = new Uint8Array(await Packer.toArrayBuffer(document));
  return {
    kind: 'chapter-docx',
    fileName: `qorgau-chapter-${periodSlug(options.filters)}.docx`,
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    content: bytes,
  };
}
