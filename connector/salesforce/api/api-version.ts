/** The REST API version every call uses. v62.0 (Winter '25) has everything we need and is far from retirement. */
export const API_VERSION = '62.0';
export const DATA_PATH = `/services/data/v${API_VERSION}`;
