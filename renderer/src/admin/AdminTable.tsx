import type { ReactNode } from 'react';

interface AdminTableProps {
  testId: string;
  /** For screen readers; the panel's heading already says it to everyone else. */
  caption: string;
  columns: readonly ReactNode[];
  /** Set while a reload is under way, if the panel shows the old rows meanwhile. */
  busy?: boolean;
  /** The rows. */
  children: ReactNode;
}

/** The table every admin panel lists its records in, scrolling sideways on a narrow window. */
export function AdminTable({ testId, caption, columns, busy, children }: AdminTableProps) {
  return (
    <div className="admin-table-wrap">
      <table className="admin-table" data-testid={testId} aria-busy={busy}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed for a table's life.
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
