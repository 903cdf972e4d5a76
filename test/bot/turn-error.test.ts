import assert from 'node:assert/strict';
import { isDatabaseUnreachable } from '../../src/bot/turn-error.js';

const error = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('turn errors: is the database unreachable?', () => {
  it('says yes for the Mongo driver’s network and server-selection errors', () => {
    assert.equal(
      isDatabaseUnreachable(error('MongoServerSelectionError', 'connect ECONNREFUSED 127.0.0.1:27017')),
      true,
    );
    assert.equal(
      isDatabaseUnreachable(error('MongoNetworkError', 'connection 4 to 127.0.0.1:27017 closed')),
      true,
    );
    assert.equal(isDatabaseUnreachable(error('MongoPoolClearedError', 'Connection pool was cleared')), true);
    assert.equal(isDatabaseUnreachable(error('MongoTopologyClosedError', 'Topology is closed')), true);
  });

  it('says no for a refused connection to the Bot Connector or anything else that is not the database', () => {
    assert.equal(isDatabaseUnreachable(error('Error', 'connect ECONNREFUSED 127.0.0.1:9')), false);
    assert.equal(isDatabaseUnreachable(error('TypeError', 'fetch failed: ECONNREFUSED')), false);
  });

  it('says no for database errors that are answers, not outages', () => {
    assert.equal(isDatabaseUnreachable(error('MongoServerError', 'E11000 duplicate key error')), false);
    assert.equal(isDatabaseUnreachable(undefined), false);
  });
});
