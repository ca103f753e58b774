import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Flatten a resolved CloudFormation value the way cdk-nag names IAM5 findings:
 * `{ "Fn::Join": ["", [{ "Fn::GetAtt": ["Bucket123", "Arn"] }, "/posts/*"]] }` → `<Bucket123.Arn>/posts/*`.
 */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (o['Fn::Sub'] !== undefined) return flatten(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (o['Fn::ImportValue'] !== undefined) return flatten(o['Fn::ImportValue']);
    if (o.Ref !== undefined) return `<${flatten(o.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * Acknowledge the cdk-nag `AwsSolutions-IAM5` findings for specific wildcard *resources* (never actions)
 * on `scope` (an IAM role or anything above its policy). Each finding is acknowledged individually, so a
 * wildcard that is not listed here still fails the check.
 */
export function acknowledgeWildcardResources(scope: IConstruct, resourceArns: readonly string[], reason: string): void {
  const stack = Stack.of(scope);
  for (const arn of resourceArns) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flatten(stack.resolve(arn))}]`,
      reason,
    });
  }
}
