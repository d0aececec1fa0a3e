import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { Locale } from '../../../shared/errors';
import type { SessionView } from '../../../shared/messages';
import { sendMessage } from '../../lib/messaging';
import type { Text } from '../../lib/text';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { queryKeys } from '../../ui/queries';

interface Props {
  t: Text;
  locale: Locale;
}

function useAfterLogin() {
  const queryClient = useQueryClient();
  return (session: SessionView) => {
    queryClient.setQueryData(queryKeys.session, session);
    // Whatever was cached belonged to nobody (or someone else).
    void queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
  };
}

export function SignupForm({ t, locale }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const afterLogin = useAfterLogin();
  const signup = useMutation({
    // New accounts start in the language the page is shown in.
    mutationFn: () => sendMessage('auth.signup', { email, password, locale }),
    onSuccess: afterLogin,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate();
  };
  return (
    <form className="card" onSubmit={submit}>
      <h2>{t.signupTitle}</h2>
      <label>
        {t.email}
        <input
          type="email"
          required
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          data-testid="signup-email"
        />
      </label>
      <label>
        {t.password} <small>({t.passwordHint})</small>
        <input
          type="password"
          required
          minLength={8}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="signup-password"
        />
      </label>
      <button type="submit" className="primary" disabled={signup.isPending} data-testid="signup-submit">
        {t.signupSubmit}
      </button>
      {signup.error && <ErrorMessage error={signup.error} locale={locale} testId="signup-error" />}
    </form>
  );
}

export function LoginForm({ t, locale }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const afterLogin = useAfterLogin();
  const login = useMutation({
    mutationFn: () => sendMessage('auth.login', { email, password }),
    onSuccess: afterLogin,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <form className="card" onSubmit={submit}>
      <h2>{t.loginTitle}</h2>
      <label>
        {t.email}
        <input
          type="email"
          required
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          data-testid="login-email"
        />
      </label>
      <label>
        {t.password}
        <input
          type="password"
          required
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="login-password"
        />
      </label>
      <button type="submit" className="primary" disabled={login.isPending} data-testid="login-submit">
        {t.loginSubmit}
      </button>
      {login.error && <ErrorMessage error={login.error} locale={locale} testId="login-error" />}
    </form>
  );
}
