import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badInput } from '@wavegraph/kit';
import { asArray, attrOf, type XmlNode } from './feed.text';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false });

/** Every `xmlUrl` of an OPML subscription list, at any depth of outlines, in document order. */
export function opmlFeedUrls(opml: string): string[] {
  const valid = XMLValidator.validate(opml.trim());
  if (valid !== true) throw badInput(`the OPML is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`, 'opml');
  const doc = parser.parse(opml.trim()) as XmlNode;
  const body = (doc.opml as XmlNode | undefined)?.body as XmlNode | undefined;
  if (!body) throw badInput('not an OPML document (no opml/body)', 'opml');
  const urls: string[] = [];
  const walk = (outlines: unknown) => {
    for (const outline of asArray(outlines as XmlNode | XmlNode[])) {
      const url = attrOf(outline, 'xmlUrl');
      if (url) urls.push(url);
      walk(outline.outline);
    }
  };
  walk(body.outline);
  return urls;
}
