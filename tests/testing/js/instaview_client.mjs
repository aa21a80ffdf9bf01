// A client written only from the error-handling page (docs.instaview.sk, "Error Handling"):
// its InstaViewError, InstaViewClient.request/handleError, retryWithBackoff and the
// Idempotency-Key pattern, as printed there. Departures, each needed to run it at all:
//  - baseURL is a constructor argument (the page hard-codes https://api.instaview.sk/v1);
//  - errors carry statusCode, which the page's retryWithBackoff and ErrorLogger read but its
//    InstaViewError never sets;
//  - the error subclasses and sleep(), which the page uses without defining;
//  - request() keeps the last response and body (lastResponse, lastResult), so a caller can
//    read the X-RateLimit-* headers and the details of a 404 the page "handles gracefully";
//  - of the page's console logging only the rate-limit line is kept, and "Network error" is
//    logged for network errors only (the page logs every thrown API error there too).

export class InstaViewError extends Error {
  constructor(errorData, statusCode) {
    super(errorData.message);
    this.code = errorData.code;
    this.details = errorData.details;
    this.statusCode = statusCode;
    this.name = 'InstaViewError';
  }
}

export class AuthenticationError extends InstaViewError {}
export class PermissionError extends InstaViewError {}
export class ValidationError extends InstaViewError {}
export class RateLimitError extends InstaViewError {}
export class BillingError extends InstaViewError {}

export class InstaViewClient {
  constructor(apiKey, baseURL = 'https://api.instaview.sk/v1') {
    this.apiKey = apiKey;
    this.baseURL = baseURL;
  }

  async request(method, path, data = null) {
    try {
      const response = await fetch(`${this.baseURL}${path}`, {
        method,
        headers: {
          'Authorization': `Bearer ${this.apiKey}`,
          'Content-Type': 'application/json'
        },
        body: data ? JSON.stringify(data) : null
      });
      const result = await response.json();
      this.lastResponse = response;
      this.lastResult = result;
      if (!result.success) {
        return this.handleError(result.error, response.status);
      }
      return result.data;
    } catch (error) {
      if (!(error instanceof InstaViewError)) {
        console.error('Network error:', error);  // the page logs thrown API errors here too
      }
      throw error;
    }
  }

  handleError(error, statusCode) {
    switch (error.code) {
      case 'INVALID_API_KEY':
      case 'API_KEY_SUSPENDED':
        throw new AuthenticationError(error, statusCode);
      case 'INSUFFICIENT_PERMISSIONS':
        throw new PermissionError(error, statusCode);
      case 'VALIDATION_ERROR':
        throw new ValidationError(error, statusCode);
      case 'RATE_LIMIT_EXCEEDED':
        console.log(`Rate limited. Retry after ${error.details.retryAfter} s`);
        throw new RateLimitError(error, statusCode);
      case 'RESOURCE_NOT_FOUND':
        return null; // Handle gracefully
      case 'BILLING_LIMIT_EXCEEDED':
        throw new BillingError(error, statusCode);
      default:
        throw new InstaViewError(error, statusCode);
    }
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function retryWithBackoff(fn, maxRetries = 3, baseDelay = 1000) {
  let lastError;
  for (let attempt = 0; attempt < maxRetries; attempt++) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      // Don't retry client errors (except rate limits)
      if (error.statusCode >= 400 && error.statusCode < 500) {
        if (error.code === 'RATE_LIMIT_EXCEEDED') {
          const delay = error.details.retryAfter * 1000 || baseDelay;
          await sleep(delay);
          continue;
        }
        throw error; // Don't retry other client errors
      }
      // Retry server errors with exponential backoff
      if (error.statusCode >= 500) {
        const delay = baseDelay * Math.pow(2, attempt);
        await sleep(delay);
        continue;
      }
      throw error;
    }
  }
  throw lastError;
}

// The page's idempotency pattern, with the base URL and key as arguments.
export async function createJobIdempotent(baseURL, apiKey, jobData, idempotencyKey) {
  const send = () => fetch(`${baseURL}/jobs`, {
    method: 'POST',
    headers: {
      'Authorization': `Bearer ${apiKey}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': idempotencyKey // Use same key for retries
    },
    body: JSON.stringify(jobData)
  });
  try {
    return await send();
  } catch (error) {
    // Safe to retry with same idempotency key
    return await send();
  }
}
