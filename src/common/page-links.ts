/**
 * An RFC 8288 `Link` header with `next` and `prev` for one page of a list, or undefined when
 * there is neither. The links keep the request's other query parameters.
 */
export function pageLinks(
  requestUrl: string,
  page: { number: number; size: number; total: number },
): string | undefined {
  const url = new URL(requestUrl, 'http://vault.invalid');
  const lastPage = Math.max(1, Math.ceil(page.total / page.size));
  const links: string[] = [];
  const link = (number: number, rel: string): void => {
    url.searchParams.set('page', String(number));
    url.searchParams.set('limit', String(page.size));
    links.push(`<${url.pathname}${url.search}>; rel="${rel}"`);
  };
  if (page.number < lastPage) {
    link(page.number + 1, 'next');
  }
  if (page.number > 1) {
    link(Math.min(page.number - 1, lastPage), 'prev');
  }
  return links.length > 0 ? links.join(', ') : undefined;
}
