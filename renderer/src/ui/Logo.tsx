export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="2" y="5" width="28" height="19" rx="4" fill="currentColor" opacity="0.18" />
      <rect x="2" y="5" width="28" height="19" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M13 10.5v8l7-4z" fill="currentColor" />
      <path d="M11 28h10" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}
