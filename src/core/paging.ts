/** Where one page (1-based) of `total` rows starts: the page asked for, clamped to the pages that exist. */
export function pageWindow(total: number, opts: { page?: number; pageSize?: number }, defaultPageSize: number): { page: number; pageSize: number; pageCount: number; offset: number } {
  const pageSize = Math.max(1, Math.floor(opts.pageSize ?? defaultPageSize));
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(pageCount, Math.max(1, Math.floor(opts.page ?? 1)));
  return { page, pageSize, pageCount, offset: (page - 1) * pageSize };
}
