import { parse } from 'graphql';
import { unavailableResponse } from './unavailable';

const pathsOf = (response: ReturnType<typeof unavailableResponse>) => response.errors?.map((e) => e.path);

describe('the answer for a subgraph that cannot answer', () => {
  it('has no data, and says which subgraph with SUBGRAPH_UNAVAILABLE, nothing about the cause', () => {
    const response = unavailableResponse('engagement', { query: '{ comment(id: "1") { body } }' });
    expect(response).toEqual({
      data: null,
      errors: [{ message: 'The engagement service is unavailable', path: ['comment'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }],
    });
  });

  it('locates a root fetch at each root field, under its alias', () => {
    expect(pathsOf(unavailableResponse('catalog', { query: '{ mine: shows { edges { cursor } } episode(id: "e") { title } __typename }' }))).toEqual([
      ['mine'],
      ['episode'],
    ]);
  });

  it('locates an entity fetch at each field it asked of each entity, by the entity type', () => {
    const query = `query($representations:[_Any!]!){_entities(representations:$representations){
      __typename ...on Episode{ likeCount plays: playCount } ...ShowFields ...on Episode{ likeCount }
    }} fragment ShowFields on Show { followerCount }`;
    const representations = [
      { __typename: 'Episode', id: 'e1' },
      { __typename: 'Show', id: 's1' },
      { __typename: 'Episode', id: 'e2' },
    ];
    expect(pathsOf(unavailableResponse('engagement', { query, variables: { representations } }))).toEqual([
      ['_entities', 0, 'likeCount'],
      ['_entities', 0, 'plays'],
      ['_entities', 1, 'followerCount'],
      ['_entities', 2, 'likeCount'],
      ['_entities', 2, 'plays'],
    ]);
  });

  it('reads the document the planner gave when there is one, and locates an entity it cannot tell the fields of at the entity', () => {
    const document = parse('query($representations:[_Any!]!){_entities(representations:$representations){...on User{shows{edges{cursor}}}}}');
    const representations = [{ __typename: 'User', id: 'u1' }, { __typename: 'Comment', id: 'c1' }, { id: 'no type' }];
    expect(pathsOf(unavailableResponse('catalog', { query: 'not parsed', variables: { representations } }, document))).toEqual([
      ['_entities', 0, 'shows'],
      ['_entities', 1],
      ['_entities', 2],
    ]);
  });
});
