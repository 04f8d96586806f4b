import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  isIntrospectionType,
  type GraphQLNamedType,
} from 'graphql';
import { loadTypeDefs } from '../../src/schema';

/** Every schema element a dashboard author reads in GraphiQL's docs, with its path. */
function describedElements(type: GraphQLNamedType): Array<[string, string | null | undefined]> {
  const elements: Array<[string, string | null | undefined]> = [[type.name, type.description]];
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      elements.push([`${type.name}.${field.name}`, field.description]);
      for (const arg of 'args' in field ? field.args : []) elements.push([`${type.name}.${field.name}(${arg.name})`, arg.description]);
    }
  }
  if (isEnumType(type)) for (const value of type.getValues()) elements.push([`${type.name}.${value.name}`, value.description]);
  return elements;
}

describe('the schema documents itself', () => {
  const schema = buildSchema(loadTypeDefs());
  const elements = Object.values(schema.getTypeMap())
    .filter((t) => !isIntrospectionType(t) && !isSpecifiedScalarType(t))
    .flatMap(describedElements);

  it('has a description on every type, field (implementations too), argument, input field and enum value', () => {
    const missing = elements.filter(([, description]) => !description?.trim()).map(([path]) => path);
    expect(missing).toEqual([]);
    expect(elements.length).toBeGreaterThan(250);
  });

  it('gives every RestoreSessionStatus value its upstream values for both vendors', () => {
    const status = schema.getType('RestoreSessionStatus');
    if (!isEnumType(status)) throw new Error('RestoreSessionStatus is not an enum');
    for (const value of status.getValues()) expect(value.description).toMatch(/Graph: .+\. Veeam: .+/);
  });
});
