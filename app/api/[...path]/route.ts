// Any method, /api/<unknown>: a JSON 404 instead of the HTML not-found page, so API clients always
// get the same error shape.
import { AppError } from '@/lib/http/errors';
import { handleApi } from '@/lib/http/handle-api';

const notFound = handleApi(async () => {
  throw new AppError('not_found', 'There is no such API route.');
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
