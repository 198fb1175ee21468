import { Fragment } from 'react';

/**
 * Search highlights arrive as text with <mark>…</mark> around the matching words. Only those
 * tags are turned into elements; everything else stays text, so nothing in a title can inject markup.
 */
export function Highlight({ text }: { text: string }) {
  const parts = text.split(/<mark>(.*?)<\/mark>/g);
  return (
    <>
      {parts.map((part, index) => (index % 2 === 1 ? <mark key={index}>{part}</mark> : <Fragment key={index}>{part}</Fragment>))}
    </>
  );
}
