import { useState, type FormEvent } from 'react';

interface Props {
  /** The form's accessible name ("Comment", "Reply to Ada", "Edit comment"). */
  name: string;
  label: string;
  submitText: string;
  initial?: string;
  /** Resolves to an error in words, or null once done (the form then empties). */
  onSubmit(body: string): Promise<string | null>;
  onCancel?(): void;
}

/** A comment's text: a new comment, a reply or an edit; the API's refusal is shown in words. */
export function CommentForm({ name, label, submitText, initial = '', onSubmit, onCancel }: Props) {
  const [body, setBody] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    const failure = await onSubmit(body);
    setBusy(false);
    if (failure) setProblem(failure);
    else setBody('');
  };
  return (
    <form onSubmit={submit} aria-label={name} className="comment-form">
      <label>{label} <textarea name="comment" required maxLength={2000} value={body} onChange={(e) => setBody(e.target.value)} /></label>
      {problem && <p className="error" role="alert">{problem}</p>}
      <button type="submit" disabled={busy}>{submitText}</button>
      {onCancel && <button type="button" className="plain" onClick={onCancel}>Cancel</button>}
    </form>
  );
}
