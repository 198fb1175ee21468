import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { LoginDocument, RegisterDocument, SessionFieldsFragmentDoc, ViewerFieldsFragmentDoc, useFragment, type FragmentType } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { sessionStore } from '../session';

type Mode = 'sign-in' | 'sign-up';

function keep(payload: FragmentType<typeof SessionFieldsFragmentDoc>): void {
  const session = useFragment(SessionFieldsFragmentDoc, payload);
  const user = useFragment(ViewerFieldsFragmentDoc, session.user);
  sessionStore.set({
    accessToken: session.accessToken,
    accessTokenExpiresAt: session.accessTokenExpiresAt,
    refreshToken: session.refreshToken,
    user: { id: user.id, handle: user.handle, displayName: user.displayName },
  });
}

/** Sign in, or create an account; the API's message (wrong password, handle taken, …) shows under the form. */
export function SignIn({ title }: { title?: string }) {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [form, setForm] = useState({ email: '', password: '', handle: '', displayName: '' });
  const [loginState, login] = useMutation(LoginDocument);
  const [registerState, register] = useMutation(RegisterDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const busy = loginState.fetching || registerState.fetching;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (mode === 'sign-in') {
      const result = await login({ input: { email: form.email, password: form.password } });
      if (result.data?.login) keep(result.data.login);
      else setProblem(errorMessage(result.error) ?? 'Sign in failed.');
    } else {
      const result = await register({ input: { email: form.email, password: form.password, handle: form.handle, displayName: form.displayName || form.handle } });
      if (result.data?.register) keep(result.data.register);
      else setProblem(errorMessage(result.error) ?? 'Sign up failed.');
    }
  };
  const field = (name: keyof typeof form) => ({
    name,
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });

  return (
    <section className="card narrow">
      {title && <p className="muted">{title}</p>}
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'sign-in'} onClick={() => setMode('sign-in')}>Sign in</button>
        <button type="button" role="tab" aria-selected={mode === 'sign-up'} onClick={() => setMode('sign-up')}>Create account</button>
      </div>
      <form onSubmit={submit} aria-label={mode === 'sign-in' ? 'Sign in' : 'Create account'}>
        <label>Email <input type="email" required autoComplete="email" {...field('email')} /></label>
        {mode === 'sign-up' && (
          <>
            <label>Handle <input required {...field('handle')} /></label>
            <label>Display name <input {...field('displayName')} /></label>
          </>
        )}
        <label>Password <input type="password" required autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'} {...field('password')} /></label>
        {problem && <p className="error" role="alert">{problem}</p>}
        <button type="submit" disabled={busy}>{mode === 'sign-in' ? 'Sign in' : 'Create account'}</button>
      </form>
    </section>
  );
}
