/** What went wrong loading a panel, above its content. */
export function PanelError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="banner banner-error">
      {error}
    </p>
  );
}

/** What went wrong submitting a form, under its buttons. */
export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="form-error">
      {error}
    </p>
  );
}
