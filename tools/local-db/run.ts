// `npm run db`: runs the local database alone, in the foreground, until Ctrl+C.
import { startLocalDb } from './local-db.js';

const port = Number(process.env.LOCAL_DB_PORT ?? 27017);
const db = await startLocalDb({ port, dataDir: process.env.LOCAL_DB_DATA });
console.log(`Local database ready: MONGODB_URI=${db.uri}`);
const stop = () => void db.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
